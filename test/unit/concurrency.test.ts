import { mapWithConcurrency } from '../../nodes/AliKassa/core/concurrency';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
	it('keeps results in index order whatever order they finish in', async () => {
		const results = await mapWithConcurrency(20, 5, async (index) => {
			await tick((20 - index) % 7);
			return index * 2;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
	});

	it('never has more than the limit in flight', async () => {
		let inFlight = 0;
		let peak = 0;
		await mapWithConcurrency(30, 4, async () => {
			peak = Math.max(peak, ++inFlight);
			await tick(2);
			inFlight--;
		});
		expect(peak).toBe(4);
	});

	it('after a failure starts nothing new, waits for what is in flight, then throws the first failure', async () => {
		const started: number[] = [];
		const finished: number[] = [];
		const promise = mapWithConcurrency(10, 3, async (index) => {
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

	it('starts each item on its own turn of the event loop', async () => {
		let turn = 0;
		const countTurns = () => {
			if (++turn < 50) setImmediate(countTurns);
		};
		setImmediate(countTurns);
		const startTurns: number[] = [];
		await mapWithConcurrency(4, 4, async () => {
			startTurns.push(turn);
		});
		expect(new Set(startTurns).size).toBe(4);
	});

	it('handles no work at all', async () => {
		await expect(mapWithConcurrency(0, 5, async () => 1)).resolves.toEqual([]);
	});
});
