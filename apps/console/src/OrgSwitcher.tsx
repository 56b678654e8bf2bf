import { useEffect, useState } from 'react';
import { Organization, client } from './api';

/** How deep and how many sub-organizations the switcher reads: a console, not an export. */
const MAX_DEPTH = 4;
const MAX_ORGS = 200;

/** The token's organization and those below it, indented by depth: the ones this token may act on. */
async function subtree(token: string, home: Organization): Promise<{ org: Organization; depth: number }[]> {
  const out = [{ org: home, depth: 0 }];
  for (let i = 0; i < out.length && out.length < MAX_ORGS; i++) {
    if (out[i].depth >= MAX_DEPTH) continue;
    const children = await client(token, out[i].org.id === home.id ? undefined : out[i].org.id).children();
    out.splice(i + 1, 0, ...children.map((org) => ({ org, depth: out[i].depth + 1 })));
  }
  return out.slice(0, MAX_ORGS);
}

export function OrgSwitcher({ token, home, current, onSwitch }: { token: string; home: Organization; current: Organization; onSwitch: (o: Organization) => void }) {
  const [orgs, setOrgs] = useState<{ org: Organization; depth: number }[]>([{ org: home, depth: 0 }]);
  useEffect(() => void subtree(token, home).then(setOrgs, () => undefined), [token, home]);
  return (
    <label className="org">
      <span className="sr-only">Organization</span>
      <select name="organization" value={current.id} onChange={(e) => onSwitch(orgs.find((o) => o.org.id === Number(e.target.value))!.org)}>
        {orgs.map(({ org, depth }) => (
          <option key={org.id} value={org.id}>
            {`${'\u00a0\u00a0'.repeat(depth)}${org.name} (#${org.id})`}
          </option>
        ))}
      </select>
    </label>
  );
}
