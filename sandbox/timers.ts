/** Timers that can all be cancelled at once, so that no handle outlives the sandbox. */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();

	after(ms: number, action: () => void): void {
		const handle = setTimeout(() => {
			this.pending.delete(handle);
			action();
		}, ms);
		this.pending.add(handle);
	}

	/** Never resolves once cleared: whatever waited on it is being shut down. */
	sleep(ms: number): Promise<void> {
		return ms > 0 ? new Promise((resolve) => this.after(ms, resolve)) : Promise.resolve();
	}

	clear(): void {
		for (const handle of this.pending) clearTimeout(handle);
		this.pending.clear();
	}
}
