import { Injectable } from '@nestjs/common';
import { FieldError } from '@hookline/common';
import { OrganizationsRepository, UsersRepository } from '@hookline/db';
import { BODY_DESTINATION, TargetPolicy } from '@hookline/delivery';
import { EventTypeSpec, UUID, eventTypeForTrigger, sampleEvent } from '@hookline/events';
import { buildRenderContext } from '@hookline/templating';
import { checkTemplate } from './template-check';
import { WebhookDraft, withoutComments } from './webhook-draft';

const MAX_BODY_TEMPLATE_BYTES = 16 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Hop-by-hop, framing and authentication headers are Hookline's to set, never a template's. */
const FORBIDDEN_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect',
  'authorization', 'proxy-authorization', 'proxy-authenticate', 'www-authenticate', 'cookie',
  'content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature',
]);

/**
 * Validation of a whole webhook definition (SPEC §3, §4, §5.5): every problem is
 * reported at once, one entry per bad field.
 */
@Injectable()
export class WebhookValidator {
  constructor(
    private readonly policy: TargetPolicy,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
  ) {}

  /** Every problem of the draft; `namedUserIds` are the failure receivers the request itself names. */
  async validate(organizationId: number, draft: WebhookDraft, namedUserIds: number[]): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const add = (field: string, message: string) => errors.push({ field, message });
    const spec = eventTypeForTrigger(draft.triggerType);
    if (!spec) add('triggerType', `unknown trigger type "${draft.triggerType}"`);

    this.checkDataTrigger(draft, spec, add);
    const organization = await this.organizations.get(organizationId);
    const ctx = spec ? buildRenderContext({ event: sampleEvent(spec), webhook: { id: 1, name: draft.name }, organization: { id: organizationId, name: organization.name } }) : null;
    this.checkUrl(draft.url, spec, ctx, add);
    this.checkAuth(draft, add);
    this.checkHeaders(draft.headers, spec, add);
    this.checkBody(draft, spec, ctx, add);
    await this.checkUsers(organizationId, namedUserIds, add);
    return errors;
  }

  private checkDataTrigger(draft: WebhookDraft, spec: EventTypeSpec | undefined, add: (f: string, m: string) => void) {
    const dt = draft.dataTrigger;
    if (!spec) return;
    if (!spec.dataTrigger) {
      if (dt !== null) add('dataTrigger', `dataTrigger is only allowed for DEVICE_DATASTREAM_UPDATE and DEVICE_LOG_EVENT, not ${draft.triggerType}`);
      return;
    }
    const key = spec.dataTrigger === 'datastream' ? 'datastreamId' : 'eventCode';
    if (dt === null) {
      add('dataTrigger', `dataTrigger is required for ${draft.triggerType}: {"${key}": …, "deviceId"?: "<uuid>"}`);
      return;
    }
    for (const k of Object.keys(dt)) {
      if (k !== key && k !== 'deviceId') add(`dataTrigger.${k}`, `unknown field; ${draft.triggerType} takes ${key} and optional deviceId`);
    }
    const v = dt[key];
    if (spec.dataTrigger === 'datastream') {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 2_147_483_647) add('dataTrigger.datastreamId', 'datastreamId must be a non-negative integer');
    } else if (typeof v !== 'string' || v.length < 1 || v.length > 256) {
      add('dataTrigger.eventCode', 'eventCode must be a string of 1 to 256 characters');
    }
    if (dt.deviceId !== undefined && !(typeof dt.deviceId === 'string' && UUID.test(dt.deviceId))) add('dataTrigger.deviceId', 'deviceId must be a UUID');
  }

  private checkUrl(url: string, spec: EventTypeSpec | undefined, ctx: Record<string, unknown> | null, add: (f: string, m: string) => void) {
    const scheme = /^(https?):\/\//i.exec(url);
    if (!scheme) return add('url', 'url must be an absolute http:// or https:// URL');
    const check = checkTemplate(url, 'url', spec, ctx);
    if (check.problem !== null) return add('url', check.problem);
    if (check.rendered !== null) {
      let parsed: URL;
      try {
        parsed = new URL(check.rendered);
      } catch {
        return add('url', 'url does not render to a valid absolute URL');
      }
      if (!parsed.hostname) return add('url', 'url has no host');
      if (parsed.username || parsed.password) return add('url', 'url must not carry credentials; use authType BASIC');
    }
    // Literal hosts are checked now; a templated host is checked at connect time. Comments
    // render to nothing, so `127.0.0.1{{!x}}` is a literal host.
    const authority = withoutComments(url).slice(scheme[0].length).split(/[/?#]/)[0];
    if (/[{<]/.test(authority)) return;
    const host = new URL(`${scheme[1]}://${authority}`).hostname;
    const refused = this.policy.checkLiteralHost(host);
    if (refused) add('url', `url target refused: ${refused}`);
  }

  private checkAuth(draft: WebhookDraft, add: (f: string, m: string) => void) {
    if (draft.authType !== 'OAUTH2' && draft.oauth2) add('oauth2', 'oauth2 is only allowed when authType is OAUTH2');
    if (draft.authType !== 'BASIC' && draft.basicAuth) add('basicAuth', 'basicAuth is only allowed when authType is BASIC');
    if (draft.authType === 'OAUTH2') {
      const o = draft.oauth2;
      if (!o) return add('oauth2', 'oauth2 {tokenUrl, clientId, clientSecret} is required when authType is OAUTH2');
      let tokenUrl: URL | null = null;
      try {
        tokenUrl = new URL(o.tokenUrl);
      } catch {
        /* reported below */
      }
      if (!tokenUrl || !/^https?:$/.test(tokenUrl.protocol)) add('oauth2.tokenUrl', 'tokenUrl must be an absolute http:// or https:// URL');
      // The token URL is shown on GET: credentials belong in clientId and clientSecret (write-only).
      else if (tokenUrl.username || tokenUrl.password) add('oauth2.tokenUrl', 'tokenUrl must not carry credentials; use clientId and clientSecret');
      else if (tokenUrl.search) add('oauth2.tokenUrl', 'tokenUrl must not carry a query string; use scope and audience');
      else {
        const refused = this.policy.checkLiteralHost(tokenUrl.hostname);
        if (refused) add('oauth2.tokenUrl', `tokenUrl target refused: ${refused}`);
      }
      if (!o.hasSecret) add('oauth2.clientSecret', 'clientSecret is required');
    }
    if (draft.authType === 'BASIC') {
      const b = draft.basicAuth;
      if (!b) return add('basicAuth', 'basicAuth {username, password} is required when authType is BASIC');
      if (b.username.includes(':')) add('basicAuth.username', 'username must not contain ":"');
      if (!b.hasPassword) add('basicAuth.password', 'password is required');
    }
  }

  private checkHeaders(headers: WebhookDraft['headers'], spec: EventTypeSpec | undefined, add: (f: string, m: string) => void) {
    const seen = new Set<string>();
    headers.forEach((h, i) => {
      const lower = h.name.toLowerCase();
      if (!TOKEN.test(h.name)) add(`headers[${i}].name`, `"${h.name}" is not a valid header name`);
      else if (FORBIDDEN_HEADERS.has(lower)) add(`headers[${i}].name`, `header "${h.name}" is set by Hookline and cannot be configured`);
      else if (seen.has(lower)) add(`headers[${i}].name`, `header "${h.name}" appears more than once`);
      seen.add(lower);
      const check = checkTemplate(h.value, 'header', spec, null);
      if (check.problem !== null) add(`headers[${i}].value`, check.problem);
    });
  }

  private checkBody(draft: WebhookDraft, spec: EventTypeSpec | undefined, ctx: Record<string, unknown> | null, add: (f: string, m: string) => void) {
    const body = draft.bodyTemplate;
    if (body === null) return;
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_TEMPLATE_BYTES) return add('bodyTemplate', `bodyTemplate exceeds ${MAX_BODY_TEMPLATE_BYTES} bytes`);
    if (draft.method === 'GET' || draft.method === 'DELETE') return add('bodyTemplate', `${draft.method} requests carry no body; remove bodyTemplate or use another method`);
    const dest = BODY_DESTINATION[draft.contentType];
    const check = checkTemplate(body, dest, spec, ctx);
    if (check.problem !== null) return add('bodyTemplate', check.problem);
    if (dest === 'json' && check.rendered !== null) {
      try {
        JSON.parse(check.rendered);
      } catch (err) {
        add('bodyTemplate', `bodyTemplate does not render to valid JSON with a sample ${draft.triggerType} event: ${(err as Error).message}`);
      }
    }
  }

  private async checkUsers(organizationId: number, ids: number[], add: (f: string, m: string) => void) {
    const bad = ids.filter((id) => !Number.isInteger(id) || id < 1 || id > 2_147_483_647);
    const valid = ids.filter((id) => !bad.includes(id));
    const found = await this.users.existing(organizationId, valid);
    ids.forEach((id, i) => {
      if (!found.has(id)) add(`failureNotifyUserIds[${i}]`, `user ${id} is not a user of this organization`);
    });
  }
}
