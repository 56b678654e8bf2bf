import { eventTypeForTrigger } from './catalog';
import { ValidEvent } from './event-validator';
import { MatchCandidate, matchEvents } from './matching';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

function event(triggerType: string, payload: Record<string, unknown> = {}, eventId = `e-${Math.random()}`): ValidEvent {
  return { spec: eventTypeForTrigger(triggerType)!, eventId, occurredAt: new Date(), payload: { device_id: DEVICE, ...payload } };
}
const hook = (id: number, triggerType: string, dataTrigger: MatchCandidate['dataTrigger'] = null): MatchCandidate => ({ id, triggerType, dataTrigger });
const ids = (sut: ReturnType<typeof matchEvents>) => sut.map((m) => m.webhookIds);

describe(matchEvents.name, () => {
  it('matches catalog events on their trigger type alone', () => {
    const sut = matchEvents([event('DEVICE_ADDED'), event('DEVICE_REMOVED')], [hook(1, 'DEVICE_ADDED'), hook(2, 'DEVICE_ADDED'), hook(3, 'DEVICE_LOW_BATTERY')]);
    expect(ids(sut)).toEqual([[1, 2], []]);
  });

  it('matches data events on their filter: datastream id or event code, and the device if the filter names one (any case)', () => {
    const candidates = [
      hook(1, 'DEVICE_DATASTREAM_UPDATE', { datastreamId: 7 }),
      hook(2, 'DEVICE_DATASTREAM_UPDATE', { datastreamId: 7, deviceId: DEVICE.toUpperCase() }),
      hook(3, 'DEVICE_DATASTREAM_UPDATE', { datastreamId: 7, deviceId: '00000000-0000-4000-8000-000000000000' }),
      hook(4, 'DEVICE_DATASTREAM_UPDATE', { datastreamId: 8 }),
      hook(5, 'DEVICE_DATASTREAM_UPDATE', null),
      hook(6, 'DEVICE_LOG_EVENT', { eventCode: 'door.open' }),
    ];
    const sut = matchEvents([event('DEVICE_DATASTREAM_UPDATE', { datastream_id: 7 }), event('DEVICE_LOG_EVENT', { event_code: 'door.open' }), event('DEVICE_LOG_EVENT', { event_code: 'door.shut' })], candidates);
    expect(ids(sut)).toEqual([[1, 2], [6], []]);
  });

  it('keeps the first occurrence of an event_id: later ones are repeats, not events', () => {
    const first = event('DEVICE_ADDED', { n: 1 }, 'same');
    const sut = matchEvents([first, event('DEVICE_ADDED', { n: 2 }, 'same'), event('DEVICE_ADDED', {}, 'other')], [hook(1, 'DEVICE_ADDED')]);
    expect(sut.map((m) => m.event)).toEqual([first, expect.objectContaining({ eventId: 'other' })]);
  });
});
