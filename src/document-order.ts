import { pointerSegments, type Finding } from './finding.js';

/**
 * Sorts findings in document order: by where their JSON Pointer leads in the parsed value (members
 * in the order JSON.parse kept them, entries by index). A missing member sorts with its parent, so
 * "title is missing" comes before the members of `notification`. Ties keep the order they were
 * found in (Array.prototype.sort is stable).
 */
export function sortInDocumentOrder(findings: Finding[], root: unknown): Finding[] {
  const ranks = new Map(findings.map((f) => [f, rank(f.path, root)]));
  return findings.sort((a, b) => compareRanks(ranks.get(a)!, ranks.get(b)!));
}

function rank(path: string, root: unknown): number[] {
  const ranks: number[] = [];
  let node = root;
  for (const key of pointerSegments(path)) {
    const index = typeof node === 'object' && node !== null
      ? (Array.isArray(node) ? (/^\d+$/.test(key) ? Number(key) : -1) : Object.keys(node).indexOf(key))
      : -1;
    if (index < 0 || (Array.isArray(node) && index >= node.length)) {
      ranks.push(-1);
      break;
    }
    ranks.push(index);
    node = (node as Record<string, unknown>)[key];
  }
  return ranks;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
