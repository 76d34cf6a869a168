import { sleep } from 'n8n-workflow';

import { mapWithConcurrency } from '../../nodes/AliKassa/core/concurrency';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What the node passes in: n8n-workflow's sleep, for a later turn of the event loop. */
const nextTurn = () => sleep(0);

describe('mapWithConcurrency', () => {
	it('keeps results in index order whatever order they finish in', async () => {
		const results = await mapWithConcurrency(20, 5, nextTurn, async (index) => {
			await tick((20 - index) % 7);
			return index * 2;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
	});

	it('never has more than the limit in flight', async () => {
		let inFlight = 0;
		let peak = 0;
		await mapWithConcurrency(30, 4, nextTurn, async () => {
			peak = Math.max(peak, ++inFlight);
			// longer than the turns between starts, so every lane is busy at once
			await tick(20);
			inFlight--;
		});
		expect(peak).toBe(4);
	});

	it('after a failure starts nothing new, waits for what is in flight, then throws the first failure', async () => {
		const started: number[] = [];
		const finished: number[] = [];
		const promise = mapWithConcurrency(10, 3, nextTurn, async (index) => {
			started.push(index);
			if (index === 1) throw new Error('item 1 failed');
			await tick(20);
			finished.push(index);
			return index;
		});
		await expect(promise).rejects.toThrow('item 1 failed');
		expect(started).toEqual([0, 1]);
		expect(finished).toEqual([0]);
	});

	it('starts each item only after a turn of its own has passed', async () => {
		let turnsPassed = 0;
		const countedTurn = async () => {
			await nextTurn();
			turnsPassed++;
		};
		const startedAfter: number[] = [];
		await mapWithConcurrency(4, 4, countedTurn, async () => {
			startedAfter.push(turnsPassed);
		});
		expect(startedAfter).toEqual([1, 2, 3, 4]);
	});

	it("with n8n's sleep, other work on the event loop runs between two item starts", async () => {
		const events: string[] = [];
		await mapWithConcurrency(3, 3, nextTurn, async (index) => {
			events.push(`start ${index}`);
			setImmediate(() => events.push(`after ${index}`));
		});
		await new Promise((resolve) => setImmediate(resolve));
		expect(events).toEqual(['start 0', 'after 0', 'start 1', 'after 1', 'start 2', 'after 2']);
	});

	it('handles no work at all', async () => {
		await expect(mapWithConcurrency(0, 5, nextTurn, async () => 1)).resolves.toEqual([]);
	});
});
