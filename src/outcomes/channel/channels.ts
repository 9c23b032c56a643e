// Pure: the channels a request comes in by, in plain words, and which of them are self-service.
import type { Channel } from '../../requests/index.ts';

export const channelNames: Record<Channel, string> = {
  online: 'Online, on the place’s own pages',
  api: 'Through an app or another system',
  phone: 'By phone',
  face_to_face: 'Face to face',
  letter: 'By letter',
};

/** Self-service channels: the person made the request themselves, with no one's time taken. */
export const selfService = (channel: Channel) => channel === 'online' || channel === 'api';
