/** "1234567.5" → "1 234 567.50", the way the cabinet shows money */
export function formatMoney(value: unknown): string {
	const number = Number(value);
	if (value === null || value === '' || !Number.isFinite(number)) return String(value);
	const [whole, fraction] = number.toFixed(2).split('.');
	return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}.${fraction}`;
}
