/** Every list in the API answers this shape (SPEC §3, §6). `page` counts from 0. */
export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}
