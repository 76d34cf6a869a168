import { sleep } from 'n8n-workflow';

import { nextTurn } from '../../nodes/AliKassa/actions/router';
import { mapWithConcurrency } from '../../nodes/AliKassa/core/concurrency';
import { YIELD_AFTER_MS } from '../../nodes/AliKassa/core/defaults';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

	it('never starts two items in the same turn', async () => {
		let turnsPassed = 0;
		const countedTurn = async () => {
			await sleep(0);
			turnsPassed++;
		};
		const startedAfter: number[] = [];
		await mapWithConcurrency(4, 4, countedTurn, async () => {
			startedAfter.push(turnsPassed);
		});
		expect(startedAfter).toEqual([0, 1, 2, 3]);
	});

	it('starts an item at once when no other started in the current turn, else when the turn ends', async () => {
		const endTurn: Array<() => void> = [];
		const controlledTurn = () => new Promise<void>((resolve) => endTurn.push(resolve));
		const finishWork: Array<() => void> = [];
		const started: number[] = [];
		const run = mapWithConcurrency(3, 1, controlledTurn, (index) => {
			started.push(index);
			return new Promise<void>((resolve) => finishWork.push(resolve));
		});
		await sleep(0);
		expect(started).toEqual([0]);
		// the turn item 0 started in ends before item 0 does: item 1 starts without waiting
		endTurn[0]();
		finishWork[0]();
		await sleep(0);
		expect(started).toEqual([0, 1]);
		// item 1 ends while its turn is still open: item 2 waits for that turn to end
		finishWork[1]();
		await sleep(0);
		expect(started).toEqual([0, 1]);
		endTurn[1]();
		await sleep(0);
		expect(started).toEqual([0, 1, 2]);
		endTurn[2]();
		finishWork[2]();
		await run;
	});

	it("with the node's turn, timers and I/O run once an item held the thread past YIELD_AFTER_MS", async () => {
		const events: string[] = [];
		await mapWithConcurrency(5, 5, nextTurn, async (index) => {
			events.push(`start ${index}`);
			setTimeout(() => events.push(`timer after ${index}`), 0);
			const until = Date.now() + YIELD_AFTER_MS + 2;
			while (Date.now() < until);
		});
		await new Promise((resolve) => setTimeout(resolve, 5));
		// the longest run of starts with no timer between them: a few items, never the batch
		const runs = events
			.join(',')
			.split(/timer after \d+/)
			.map((run) => run.split('start').length - 1);
		expect(Math.max(...runs)).toBeLessThanOrEqual(3);
		expect(events.indexOf('timer after 0')).toBeLessThan(events.indexOf('start 4'));
	});

	it("with the node's turn, quick items start without waiting for a timer (no cap per millisecond)", async () => {
		await nextTurn();
		const events: string[] = [];
		await mapWithConcurrency(3, 3, nextTurn, async (index) => {
			events.push(`start ${index}`);
			setTimeout(() => events.push(`timer after ${index}`), 0);
		});
		expect(events).toEqual(['start 0', 'start 1', 'start 2']);
	});

	it('handles no work at all', async () => {
		await expect(mapWithConcurrency(0, 5, nextTurn, async () => 1)).resolves.toEqual([]);
	});
});
