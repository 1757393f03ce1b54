// One palette for every chart and table: own brands in the accent (indigo), competitors in distinct hues,
// assigned in the API's brand order. Same palette and order as web/src/runs/brand-colors.ts (the replay),
// so a brand keeps its colour on every screen.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { brandsQuery } from '../../api/queries';

const OWN = ['#4f46e5', '#7c3aed'];
const COMPETITORS = ['#0d9488', '#d97706', '#db2777', '#0284c7', '#65a30d', '#dc2626', '#9333ea', '#ca8a04'];
const FALLBACK = '#64748b';

export interface BrandInfo {
  id: string;
  name: string;
  kind: 'own' | 'competitor';
  color: string;
}

export function useBrands(projectId: string): { byId: Map<string, BrandInfo>; list: BrandInfo[] } {
  const brands = useQuery(brandsQuery(projectId));
  return useMemo(() => {
    const data = brands.data?.data ?? [];
    const own = data.filter((b) => b.kind === 'own');
    const comp = data.filter((b) => b.kind === 'competitor');
    const list: BrandInfo[] = [
      ...own.map((b, i) => ({
        id: b.id,
        name: b.name,
        kind: b.kind,
        color: OWN[i % OWN.length] ?? FALLBACK,
      })),
      ...comp.map((b, i) => ({
        id: b.id,
        name: b.name,
        kind: b.kind,
        color: COMPETITORS[i % COMPETITORS.length] ?? FALLBACK,
      })),
    ];
    return { byId: new Map(list.map((b) => [b.id, b])), list };
  }, [brands.data]);
}

export function colorOf(byId: Map<string, BrandInfo>, brandId: string): string {
  return byId.get(brandId)?.color ?? FALLBACK;
}
