'use client';

import { taxonomyApi, type Taxonomy } from '@/api/taxonomy';
import { useResource, type Resource } from './useResource';

/** The practice's taxonomy, loaded once per screen: `loading` until it is here, `error` (with `reload`) when it failed. */
export function useTaxonomy(): Resource<Taxonomy> {
  return useResource((signal) => taxonomyApi.get(signal), 'taxonomy');
}
