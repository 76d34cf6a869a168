/** Resolves on a later turn of the event loop; given by the caller, so that tests can hold a turn. */
export type NextTurn = () => Promise<void>;

/**
 * Runs `work` for indexes 0..count-1 with at most `limit` in flight, results in index order.
 * After a failure no new work starts, but what is in flight is awaited before the first
 * failure is thrown: a payout request that was sent must not be forgotten mid-air.
 */
export async function mapWithConcurrency<T>(
	count: number,
	limit: number,
	waitForTurn: NextTurn,
	work: (index: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	const failures: Array<{ index: number; error: unknown }> = [];
	let next = 0;
	// Started back to back, the lanes' synchronous work (expressions, signing, request set-up)
	// would hold the loop for all of them, their requests would leave and return together and
	// then queue behind each other: no two items start in the same turn of the event loop. An
	// item starts at once when no other started in this turn, and otherwise waits for the turn
	// to end, so spreading the starts costs nothing when they are spread already.
	let currentTurn: Promise<void> | undefined;
	const nextTurn = async () => {
		while (currentTurn) await currentTurn;
		currentTurn = waitForTurn().then(() => {
			currentTurn = undefined;
		});
	};

	async function lane(): Promise<void> {
		while (next < count && failures.length === 0) {
			await nextTurn();
			if (next >= count || failures.length > 0) return;
			const index = next++;
			try {
				results[index] = await work(index);
			} catch (error) {
				failures.push({ index, error });
			}
		}
	}

	const lanes = Math.max(1, Math.min(limit, count));
	await Promise.all(Array.from({ length: lanes }, lane));
	if (failures.length > 0) {
		throw failures.sort((a, b) => a.index - b.index)[0].error;
	}
	return results;
}
