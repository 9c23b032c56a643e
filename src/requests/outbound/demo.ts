// The demo's system of an organisation's own: Ashby Vale's waste system, set up by the place's
// administrator for missed bins and bulky waste, at an address where nothing answers yet, so that
// a new report's send is seen waiting with its error, then failed, on the administrators' page.
import type { Actor } from '../../platform/index.ts';
import type { NewRequest } from '../intake/index.ts';
import type { OutboundService } from './service.ts';

export async function loadDemoOutbound(
  {
    outbound,
    requests,
  }: {
    outbound: Pick<OutboundService, 'addSystem' | 'sendDue'>;
    requests: { submit: (request: NewRequest) => Promise<unknown> };
  },
  actor: (email: string) => Promise<Actor>,
) {
  await outbound.addSystem(await actor('sofia.marchetti@fellshire-cc.example.org'), {
    organisation: 'ashby-vale-dc',
    name: 'Ashby Vale Waste System',
    endpoint: 'http://127.0.0.1:9/open311/v2',
    apiKey: 'demo-key-not-yet-issued',
    services: 'missed-bin BIN_MISSED\nbulky-waste BULKY',
    sendContact: false,
  });
  await requests.submit({
    service: 'missed-bin',
    lat: 52.221,
    lon: -2.201,
    attributes: { bin: 'garden' },
    description: 'Garden waste bin not emptied on Tuesday',
  });
  await outbound.sendDue();
}
