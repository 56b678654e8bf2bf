import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What a seed page documents for one event type. */
export interface SeedEvent {
  eventType: string;
  fields: Record<string, { type: string; values?: string[] }>;
}

const SEED_TYPES: Record<string, string> = {
  'String (UUID)': 'uuid',
  'String (ISO 8601)': 'iso8601',
  String: 'string',
  Object: 'object',
  Array: 'array',
  number: 'number',
  'Enum (String)': 'enum',
};

function enumValues(text: string): string[] | undefined {
  const m = /Possible values:\s*(.+)/.exec(text) ?? /Value:\s*(.+)/.exec(text);
  return m ? m[1].split(',').map((v) => v.replace(/[`\s]/g, '')).filter(Boolean) : undefined;
}

/** Markdown pages (`## \`type\`` headings, `<ResponseField name type>` blocks). */
function parseMarkdown(text: string): SeedEvent[] {
  return text
    .split(/\n## `/)
    .slice(1)
    .map((section) => {
      const eventType = section.slice(0, section.indexOf('`'));
      const fields: SeedEvent['fields'] = {};
      for (const m of section.matchAll(/<ResponseField name="([^"]+)" type="([^"]+)">([\s\S]*?)<\/ResponseField>/g)) {
        fields[m[1]] = { type: SEED_TYPES[m[2]] ?? `unknown:${m[2]}`, values: m[2].startsWith('Enum') ? enumValues(m[3]) : undefined };
      }
      return { eventType, fields };
    });
}

/** Plain-text pages: a heading line, then `name` / `Type` / `description` triples. */
function parsePlain(text: string): SeedEvent[] {
  const lines = text.split('\n');
  const events: SeedEvent[] = [];
  let current: SeedEvent | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^[a-z_]+(\.[a-z_]+)+$/.test(line) && lines[i + 1] === '') {
      current = { eventType: line, fields: {} };
      events.push(current);
    } else if (current && /^[a-z_]+$/.test(line) && SEED_TYPES[lines[i + 1]] !== undefined) {
      const type = SEED_TYPES[lines[i + 1]];
      current.fields[line] = { type, values: type === 'enum' ? enumValues(lines[i + 2] ?? '') : undefined };
      i += 2;
    }
  }
  return events;
}

export function parseSeedFile(text: string): SeedEvent[] {
  return text.includes('<ResponseField') ? parseMarkdown(text) : parsePlain(text);
}

/** The catalog seed pages: shared/seeds beside the checkout when present, else the copy in docs/seeds. */
export function seedDirectory(repoRoot: string): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'seeds');
  return existsSync(shared) ? shared : path.join(repoRoot, 'docs', 'seeds');
}

export function loadSeedEvents(dir: string): SeedEvent[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.*\.txt$/.test(f))
    .sort()
    .flatMap((f) => parseSeedFile(readFileSync(path.join(dir, f), 'utf8')))
    .filter((e) => Object.keys(e.fields).length > 0);
}
