import { ValidationFailed } from '@hookline/common';
import { CreateWebhookDto } from '../webhooks/dto/webhook.dto';
import { strictValidationPipe } from './validation';

const valid = { name: 'Low battery', triggerType: 'DEVICE_LOW_BATTERY', url: 'https://example.com/hook' };

/** The field errors the global pipe answers for a webhook definition. */
async function problems(body: Record<string, unknown>) {
  try {
    await strictValidationPipe().transform(body, { type: 'body', metatype: CreateWebhookDto });
  } catch (e) {
    if (e instanceof ValidationFailed) return e.details ?? [];
    throw e;
  }
  return [];
}

describe('validation messages', () => {
  it('accepts a valid definition', async () => {
    expect(await problems(valid)).toEqual([]);
  });

  it('names the expected type, not a length or range the wrong type also fails', async () => {
    expect(await problems({ ...valid, name: 123 })).toEqual([{ field: 'name', message: 'name must be a string, not an integer' }]);
    expect(await problems({ ...valid, failureLimit: 'ten' })).toEqual([{ field: 'failureLimit', message: 'failureLimit must be an integer, not a string' }]);
    expect(await problems({ ...valid, failureLimit: 2.5 })).toEqual([{ field: 'failureLimit', message: 'failureLimit must be an integer, not a number' }]);
    expect(await problems({ ...valid, headers: 'x' })).toEqual([{ field: 'headers', message: 'headers must be an array, not a string' }]);
    expect(await problems({ ...valid, oauth2: 'x' })).toEqual([{ field: 'oauth2', message: 'oauth2 must be an object, not a string' }]);
    expect(await problems({ ...valid, name: null })).toEqual([{ field: 'name', message: 'name must be a string, not null' }]);
  });

  it('says a missing required field is required, at any depth', async () => {
    const { url: _url, ...noUrl } = valid;
    expect(await problems(noUrl)).toEqual([{ field: 'url', message: 'url is required' }]);
    const oauth2 = await problems({ ...valid, authType: 'OAUTH2', oauth2: { tokenUrl: 'https://auth.example.com/token' } });
    expect(oauth2).toContainEqual({ field: 'oauth2.clientId', message: 'oauth2.clientId is required' });
  });

  it('keeps the range and length rules for values of the right type, one message per field', async () => {
    expect(await problems({ ...valid, failureLimit: 5000 })).toEqual([{ field: 'failureLimit', message: 'failureLimit must not be greater than 1000' }]);
    expect(await problems({ ...valid, name: '' })).toEqual([{ field: 'name', message: expect.stringMatching(/^name must be longer than or equal to 1/) }]);
    const several = await problems({ name: 7, failureLimit: 'x', extra: 1 });
    expect(several.map((d) => d.field).sort()).toEqual(['extra', 'failureLimit', 'name', 'triggerType', 'url']);
    for (const d of several) expect(d.message).not.toContain(';');
  });

  it('names where the valid trigger types are listed', async () => {
    expect(await problems({ ...valid, triggerType: 'NOPE' })).toEqual([
      { field: 'triggerType', message: expect.stringContaining('"NOPE" is not a trigger type; GET /api/v1/event-types lists them') },
    ]);
  });

  it('names the elements of a list that are of the wrong type', async () => {
    expect(await problems({ ...valid, failureNotifyUserIds: ['a'] })).toEqual([
      { field: 'failureNotifyUserIds', message: 'each value in failureNotifyUserIds must be an integer number' },
    ]);
  });
});
