// How requests come in: the channels in plain words, and the staff page that takes a request
// for a caller through the requests module's front door.
export { channelNames, selfService } from './channels.ts';
export { type CallerPagesOptions, type CallerRequests, callerPages } from './pages.ts';
