import type { TaggedValue } from './php';

/**
 * Seeded random values for comparisons against PHP: the same seed always gives the same
 * values, so a failure can be replayed.
 */
export class RandomValues {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** mulberry32: a float in [0, 1) */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let mixed = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	}

	/** an integer in [min, max] */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(0, items.length - 1)];
	}

	/** One code point, weighted toward the characters json_encode treats specially. */
	codePoint(): number {
		const ranges: Array<[number, number]> = [
			[0x20, 0x7e], // printable ASCII, with / " \ among them
			[0x2f, 0x2f],
			[0x22, 0x22],
			[0x5c, 0x5c],
			[0x00, 0x1f],
			[0x7f, 0x9f],
			[0xa0, 0x2ff],
			[0x400, 0x4ff],
			[0x2000, 0x206f],
			[0x4e00, 0x9fff],
			[0xe000, 0xffff],
			[0x1f300, 0x1faff],
			[0x10000, 0x10ffff],
		];
		const [low, high] = this.pick(ranges);
		return this.int(low, high);
	}

	text(maxLength: number): string {
		const length = this.int(0, maxLength);
		let text = '';
		for (let i = 0; i < length; i++) text += String.fromCodePoint(this.codePoint());
		return text;
	}

	/** Doubles of every magnitude, plus the values where PHP's layout changes. */
	number(): number {
		switch (this.int(0, 6)) {
			case 0:
				return this.pick([
					0,
					-0,
					1e17,
					1e-4,
					5e-5,
					1e16,
					2 ** 53,
					Number.MIN_VALUE,
					Number.MAX_VALUE,
				]);
			case 1:
				return this.int(-1_000_000, 1_000_000);
			case 2:
				return this.int(0, 99_999_999_999) / 100;
			case 3:
				return (this.next() - 0.5) * 10 ** this.int(-30, 30);
			case 4:
				return this.next() * 10 ** this.int(-323, 308);
			case 5:
				return Number((this.next() * 10 ** this.int(-8, 20)).toPrecision(this.int(1, 17)));
			default:
				return this.anyFiniteDouble();
		}
	}

	private anyFiniteDouble(): number {
		const view = new DataView(new ArrayBuffer(8));
		let value: number;
		do {
			view.setUint32(0, this.int(0, 0xffffffff));
			view.setUint32(4, this.int(0, 0xffffffff));
			value = view.getFloat64(0);
		} while (!Number.isFinite(value));
		return value;
	}

	key(): string {
		switch (this.int(0, 3)) {
			case 0:
				return String(this.int(0, 20));
			case 1:
				return this.pick(['-3', '05', '1.5', '-0', ' 1', '', 'amount', 'order_id', 'a/b']);
			default:
				return this.text(8);
		}
	}

	map(depth: number): TaggedValue {
		const size = this.int(0, 5);
		// A map keyed 0, 1, 2… is a list to PHP; make sure it turns up.
		if (this.int(0, 4) === 0) {
			return {
				$map: Array.from({ length: size }, (_, index) => [String(index), this.value(depth + 1)]),
			};
		}
		const keys = new Set<string>();
		while (keys.size < size) keys.add(this.key());
		return { $map: [...keys].map((key) => [key, this.value(depth + 1)]) };
	}

	value(depth = 0): TaggedValue {
		const nested = depth < 3 ? this.int(0, 9) : this.int(0, 5);
		switch (nested) {
			case 0:
			case 1:
			case 2:
				return this.text(12);
			case 3:
			case 4:
				return this.number();
			case 5:
				return this.pick([true, false, null]);
			case 6:
			case 7:
				return Array.from({ length: this.int(0, 4) }, () => this.value(depth + 1));
			default:
				return this.map(depth);
		}
	}
}
