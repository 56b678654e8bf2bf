import { useCallback, useEffect, useState } from 'react';
import { ApiError, Client, Draft, DraftTest, EventType, FieldError, RenderedRequest, Webhook, messageOf } from './api';
import { AuthSection, DataTriggerSection, HeadersSection, LimitsSection, ReceiversSection } from './EditorSections';
import { Field } from './Field';

const METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'];
const CONTENT_TYPES = ['JSON', 'PLAIN_TEXT', 'URL_ENCODED_FORM'];
const EMPTY: Draft = {
  name: '',
  triggerType: 'DEVICE_LOW_BATTERY',
  url: 'https://',
  method: 'POST',
  contentType: 'JSON',
  bodyTemplate: null,
  headers: [],
  failureLimit: 10,
  authType: 'NONE',
  basicAuth: null,
  oauth2: null,
  failureNotifyUserIds: [],
  dataTrigger: null,
  maxConcurrency: null,
  rateLimitPerMinute: null,
};

/** A stored webhook as a draft: its secrets are write-only, so they start empty (kept unless retyped). */
function draftOf(w: Webhook): Draft {
  return {
    name: w.name,
    triggerType: w.triggerType,
    url: w.url,
    method: w.method,
    contentType: w.contentType,
    bodyTemplate: w.bodyTemplate,
    headers: w.headers,
    failureLimit: w.failureLimit,
    authType: w.authType,
    basicAuth: w.basicAuth ? { username: w.basicAuth.username } : null,
    oauth2: w.oauth2 ? { tokenUrl: w.oauth2.tokenUrl, clientId: w.oauth2.clientId, scope: w.oauth2.scope ?? undefined, audience: w.oauth2.audience ?? undefined } : null,
    failureNotifyUserIds: w.failureNotifyUserIds,
    dataTrigger: w.dataTrigger,
    maxConcurrency: w.maxConcurrency,
    rateLimitPerMinute: w.rateLimitPerMinute,
  };
}
/** The preview follows the typing, once it pauses. */
const PREVIEW_DELAY_MS = 400;

const problemsOf = (e: unknown): FieldError[] => (e instanceof ApiError ? (e.details.length ? e.details : [{ field: 'form', message: e.message }]) : [{ field: 'form', message: messageOf(e) }]);

function RequestView({ request }: { request: RenderedRequest }) {
  return (
    <pre className="request" aria-label="Rendered request">
      {`${request.method} ${request.url}\n${Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}${request.body === null ? '' : `\n\n${request.body}`}`}
    </pre>
  );
}

/** A new or an existing webhook: every field checked by the API as typed, a live preview for a sample event, a test send, then save. */
export function WebhookEditor({ api, existing, onSaved, onCancel }: { api: Client; existing?: Webhook; onSaved: () => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(existing ? draftOf(existing) : EMPTY);
  const [types, setTypes] = useState<EventType[]>([]);
  const [preview, setPreview] = useState<RenderedRequest | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [test, setTest] = useState<DraftTest | null>(null);
  const [busy, setBusy] = useState(false);
  const set = useCallback((patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })), []);

  useEffect(() => void api.eventTypes().then(setTypes, () => undefined), [api]);
  useEffect(() => {
    if (!draft.name) return;
    const timer = setTimeout(() => {
      api.preview(draft).then(
        (r) => (setPreview(r), setErrors([])),
        (e) => (setPreview(null), setErrors(problemsOf(e))),
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, draft]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setErrors(problemsOf(e));
    } finally {
      setBusy(false);
    }
  };
  const trigger = types.find((t) => t.triggerType === draft.triggerType);

  return (
    <section className="editor" aria-labelledby="editor-title">
      <h2 id="editor-title">{existing ? `Edit ${existing.name}` : 'New webhook'}</h2>
      {existing && existing.authType !== 'NONE' && <p className="hint">The preview and the test need the secret retyped: stored ones are never sent back.</p>}
      <form onSubmit={(e) => (e.preventDefault(), run(async () => (existing ? await api.update(existing.id, draft) : await api.create(draft), onSaved())))}>
        <Field label="Name" field="name" errors={errors}>
          <input name="name" value={draft.name} onChange={(e) => set({ name: e.target.value })} required />
        </Field>
        <Field label="Trigger" field="triggerType" errors={errors}>
          <select name="triggerType" value={draft.triggerType} onChange={(e) => set({ triggerType: e.target.value })}>
            {types.map((t) => (
              <option key={t.triggerType} value={t.triggerType}>
                {t.triggerType}
              </option>
            ))}
          </select>
        </Field>
        {trigger && (
          <div className="hint" aria-label="Trigger fields">
            <p>{trigger.description}</p>
            <p>Fields: {trigger.fields.map((f) => `${f.name} (${f.type}${f.required ? ', required' : ''}${f.values ? `: ${f.values.join(' | ')}` : ''})`).join(', ')}</p>
            <p>Placeholders: {trigger.placeholders.map((p) => `{${p}}`).join(' ')}</p>
          </div>
        )}
        <div className="row">
          <Field label="Method" field="method" errors={errors}>
            <select name="method" value={draft.method} onChange={(e) => set({ method: e.target.value })}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field label="Content type" field="contentType" errors={errors}>
            <select name="contentType" value={draft.contentType} onChange={(e) => set({ contentType: e.target.value })}>
              {CONTENT_TYPES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </Field>
          <Field label="Failure limit" field="failureLimit" errors={errors}>
            <input name="failureLimit" type="number" min={1} max={1000} value={draft.failureLimit} onChange={(e) => set({ failureLimit: Number(e.target.value) })} />
          </Field>
        </div>
        <Field label="URL" field="url" errors={errors}>
          <input name="url" value={draft.url} onChange={(e) => set({ url: e.target.value })} required />
        </Field>
        <Field label="Body template (empty: the event as JSON)" field="bodyTemplate" errors={errors}>
          <textarea name="bodyTemplate" rows={4} value={draft.bodyTemplate ?? ''} onChange={(e) => set({ bodyTemplate: e.target.value || null })} />
        </Field>
        <DataTriggerSection draft={draft} set={set} errors={errors} />
        <LimitsSection draft={draft} set={set} errors={errors} />
        <HeadersSection draft={draft} set={set} errors={errors} />
        <AuthSection draft={draft} set={set} errors={errors} editing={!!existing} />
        <ReceiversSection draft={draft} set={set} errors={errors} api={api} />
        {errors.some((e) => e.field === 'form') && <p className="error" role="alert">{errors.find((e) => e.field === 'form')!.message}</p>}
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => run(async () => setTest(await api.testDraft(draft)))}>
            Send a test
          </button>
          <button type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
      <h3>Preview, for a sample event</h3>
      {preview ? <RequestView request={preview} /> : <p className="hint">The rendered request shows here once the draft is valid.</p>}
      {test && (
        <div className="test-result" aria-label="Test result">
          <h3>
            Test: {test.status === 'SUCCEEDED' ? 'answered' : 'failed'} {test.responseStatus ?? ''} in {test.durationMs} ms
          </h3>
          {test.error && <p className="error">{test.error}</p>}
          <pre>{`${Object.entries(test.responseHeaders ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${test.responseBody ?? ''}`}</pre>
        </div>
      )}
    </section>
  );
}
