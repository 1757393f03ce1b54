// One colour per tracked brand, stable for the project (brand order from the API): the own brand(s) first in
// indigo, competitors from a palette chosen to stay distinguishable and readable as a tint behind dark text.
import type { Brand } from './api-types';
import type { BrandLook, BrandLookup } from './player/text-renderer';

const OWN = ['#4f46e5', '#7c3aed'];
const COMPETITORS = ['#0d9488', '#d97706', '#db2777', '#0284c7', '#65a30d', '#dc2626', '#9333ea', '#ca8a04'];
const UNKNOWN: BrandLook = { name: 'Unknown brand', color: '#64748b', own: false };

export function brandLooks(brands: readonly Brand[]): Map<string, BrandLook> {
  const looks = new Map<string, BrandLook>();
  let own = 0;
  let other = 0;
  for (const b of brands) {
    const isOwn = b.kind === 'own';
    const color = isOwn ? OWN[own++ % OWN.length] : COMPETITORS[other++ % COMPETITORS.length];
    looks.set(b.id, { name: b.name, color: color ?? UNKNOWN.color, own: isOwn });
  }
  return looks;
}

export function lookupFrom(looks: ReadonlyMap<string, BrandLook>): BrandLookup {
  return (id) => looks.get(id) ?? UNKNOWN;
}
