/**
 * The CPU time of another process over a span of wall-clock time: its /proc/<pid>/stat (user
 * and system time of all its threads, in clock ticks of 10 ms) read every few milliseconds, so
 * that the CPU of one part of its life (a node's run, whose start and duration n8n records) can
 * be told apart from its start-up. Linux only; elsewhere every figure is NaN.
 */
import { readFileSync } from 'fs';

const TICK_MS = 10;
const EVERY_MS = 5;

interface Sample {
	/** Date.now() when read */
	atMs: number;
	cpuMs: number;
}

function cpuOfProcess(pid: number): number | undefined {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
			.replace(/^.*\) /, '')
			.split(' ');
		// after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
	} catch {
		return undefined; // gone, or no /proc
	}
}

export class CpuSampler {
	private readonly samples: Sample[] = [];
	private timer?: NodeJS.Timeout;

	start(pid: number): void {
		const sample = () => {
			const cpuMs = cpuOfProcess(pid);
			if (cpuMs !== undefined) this.samples.push({ atMs: Date.now(), cpuMs });
		};
		sample();
		this.timer = setInterval(sample, EVERY_MS);
	}

	stop(): void {
		clearInterval(this.timer);
	}

	/** CPU used between two Date.now() instants, read off the samples around each. */
	cpuBetween(fromMs: number, toMs: number): number {
		return this.cpuAt(toMs) - this.cpuAt(fromMs);
	}

	private cpuAt(atMs: number): number {
		const after = this.samples.findIndex((sample) => sample.atMs >= atMs);
		if (after <= 0) return NaN;
		const [before, next] = [this.samples[after - 1], this.samples[after]];
		const share = (atMs - before.atMs) / (next.atMs - before.atMs || 1);
		return before.cpuMs + share * (next.cpuMs - before.cpuMs);
	}
}
