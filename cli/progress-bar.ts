/** One line redrawn in place on a terminal: `[#####.....]  50%  5000/10000  sent 4990  failed 5  gone 5`. */
export function renderProgress(done: number, total: number, parts: Record<string, number>, width = 30): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const counts = Object.entries(parts).map(([name, n]) => `${name} ${n}`).join('  ');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${done}/${total}  ${counts}`;
}
