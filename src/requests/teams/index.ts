// Teams: managers set up their organisation's teams (cases are assigned to them, escalations
// and reminders go to their mailboxes). Who works where is identity's to answer (`staffOf`).
export { teamPages, teamRoutes } from './pages.ts';
export { addTeam, teamsOf } from './store.ts';
export { type TeamsService, teamsService } from './teams.ts';
