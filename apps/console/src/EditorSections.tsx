import { useEffect, useState } from 'react';
import { Client, Draft, FieldError, User } from './api';
import { Field } from './Field';

type Section = { draft: Draft; set: (patch: Partial<Draft>) => void; errors: FieldError[] };

/** Extra request headers: each a name and a template value. */
export function HeadersSection({ draft, set, errors }: Section) {
  const update = (i: number, patch: Partial<Draft['headers'][number]>) => set({ headers: draft.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <fieldset aria-label="Headers">
      <legend>Headers</legend>
      {draft.headers.map((h, i) => (
        <div className="row" key={i}>
          <Field label="Name" field={`headers[${i}].name`} errors={errors}>
            <input name={`header-name-${i}`} value={h.name} onChange={(e) => update(i, { name: e.target.value })} />
          </Field>
          <Field label="Value (template)" field={`headers[${i}].value`} errors={errors}>
            <input name={`header-value-${i}`} value={h.value} onChange={(e) => update(i, { value: e.target.value })} />
          </Field>
          <button type="button" className="secondary small" onClick={() => set({ headers: draft.headers.filter((_, j) => j !== i) })}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="secondary small" onClick={() => set({ headers: [...draft.headers, { name: '', value: '' }] })}>
        Add a header
      </button>
    </fieldset>
  );
}

/** Basic or OAuth2 client credentials; secrets are write-only, so an empty one keeps what is stored. */
export function AuthSection({ draft, set, errors, editing }: Section & { editing: boolean }) {
  const keep = editing ? ' (empty: keep the stored one)' : '';
  const basic = draft.basicAuth ?? { username: '' };
  const oauth2 = draft.oauth2 ?? { tokenUrl: 'https://', clientId: '' };
  const setType = (authType: string) =>
    set({ authType, basicAuth: authType === 'BASIC' ? basic : null, oauth2: authType === 'OAUTH2' ? oauth2 : null });
  return (
    <fieldset aria-label="Authentication">
      <legend>Authentication</legend>
      <Field label="Type" field="authType" errors={errors}>
        <select name="authType" value={draft.authType} onChange={(e) => setType(e.target.value)}>
          <option value="NONE">None</option>
          <option value="BASIC">Basic</option>
          <option value="OAUTH2">OAuth2 client credentials</option>
        </select>
      </Field>
      {draft.authType === 'BASIC' && (
        <div className="row">
          <Field label="Username" field="basicAuth.username" errors={errors}>
            <input name="basicUsername" value={basic.username} onChange={(e) => set({ basicAuth: { ...basic, username: e.target.value } })} />
          </Field>
          <Field label={`Password${keep}`} field="basicAuth.password" errors={errors}>
            <input name="basicPassword" type="password" autoComplete="new-password" value={basic.password ?? ''} onChange={(e) => set({ basicAuth: { ...basic, password: e.target.value || undefined } })} />
          </Field>
        </div>
      )}
      {draft.authType === 'OAUTH2' && (
        <div className="row">
          {(['tokenUrl', 'clientId', 'scope', 'audience'] as const).map((k) => (
            <Field key={k} label={k} field={`oauth2.${k}`} errors={errors}>
              <input name={`oauth2-${k}`} value={oauth2[k] ?? ''} onChange={(e) => set({ oauth2: { ...oauth2, [k]: e.target.value || undefined } })} />
            </Field>
          ))}
          <Field label={`clientSecret${keep}`} field="oauth2.clientSecret" errors={errors}>
            <input name="oauth2-clientSecret" type="password" autoComplete="new-password" value={oauth2.clientSecret ?? ''} onChange={(e) => set({ oauth2: { ...oauth2, clientSecret: e.target.value || undefined } })} />
          </Field>
        </div>
      )}
    </fieldset>
  );
}

/** The organization's users told when the system disables the webhook. */
export function ReceiversSection({ draft, set, errors, api }: Section & { api: Client }) {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => void api.users().then((p) => setUsers(p.items), () => undefined), [api]);
  const toggle = (id: number) =>
    set({ failureNotifyUserIds: draft.failureNotifyUserIds.includes(id) ? draft.failureNotifyUserIds.filter((x) => x !== id) : [...draft.failureNotifyUserIds, id] });
  return (
    <fieldset aria-label="Failure receivers">
      <legend>Told when the system disables it</legend>
      {users.length === 0 && <span className="hint">No users yet (Users and clients).</span>}
      {users.map((u) => (
        <label key={u.id} className="check">
          <input type="checkbox" name={`receiver-${u.id}`} checked={draft.failureNotifyUserIds.includes(u.id)} onChange={() => toggle(u.id)} /> {u.name} &lt;{u.email}&gt;
        </label>
      ))}
      {errors.filter((e) => e.field.startsWith('failureNotifyUserIds')).map((e) => (
        <span key={e.message} className="field-error" data-field={e.field}>
          {e.message}
        </span>
      ))}
    </fieldset>
  );
}

/** The data triggers' filter (DEVICE_DATASTREAM_UPDATE: datastreamId; DEVICE_LOG_EVENT: eventCode; either: deviceId). */
export function DataTriggerSection({ draft, set, errors }: Section) {
  const kind = draft.triggerType === 'DEVICE_DATASTREAM_UPDATE' ? 'datastream' : draft.triggerType === 'DEVICE_LOG_EVENT' ? 'log' : null;
  useEffect(() => {
    if (!kind && draft.dataTrigger) set({ dataTrigger: null });
    else if (kind && !draft.dataTrigger) set({ dataTrigger: {} });
  }, [kind, draft.dataTrigger, set]);
  if (!kind) return null;
  const dt = draft.dataTrigger ?? {};
  return (
    <fieldset aria-label="Data trigger">
      <legend>Which events</legend>
      {kind === 'datastream' ? (
        <Field label="Datastream id" field="dataTrigger.datastreamId" errors={errors}>
          <input name="datastreamId" type="number" min={0} value={dt.datastreamId ?? ''} onChange={(e) => set({ dataTrigger: { ...dt, datastreamId: e.target.value === '' ? undefined : Number(e.target.value) } })} />
        </Field>
      ) : (
        <Field label="Event code" field="dataTrigger.eventCode" errors={errors}>
          <input name="eventCode" value={dt.eventCode ?? ''} onChange={(e) => set({ dataTrigger: { ...dt, eventCode: e.target.value || undefined } })} />
        </Field>
      )}
      <Field label="Device id (empty: any device)" field="dataTrigger.deviceId" errors={errors}>
        <input name="deviceId" value={dt.deviceId ?? ''} onChange={(e) => set({ dataTrigger: { ...dt, deviceId: e.target.value || undefined } })} />
      </Field>
    </fieldset>
  );
}

/** Optional pacing: requests in flight per worker and requests per minute (empty: the operator's defaults). */
export function LimitsSection({ draft, set, errors }: Section) {
  const num = (v: string) => (v === '' ? null : Number(v));
  return (
    <div className="row">
      <Field label="Max requests in flight (empty: default)" field="maxConcurrency" errors={errors}>
        <input name="maxConcurrency" type="number" min={1} max={1000} value={draft.maxConcurrency ?? ''} onChange={(e) => set({ maxConcurrency: num(e.target.value) })} />
      </Field>
      <Field label="Requests per minute (empty: no limit)" field="rateLimitPerMinute" errors={errors}>
        <input name="rateLimitPerMinute" type="number" min={1} max={60000} value={draft.rateLimitPerMinute ?? ''} onChange={(e) => set({ rateLimitPerMinute: num(e.target.value) })} />
      </Field>
    </div>
  );
}
