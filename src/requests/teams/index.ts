// Teams: managers set up their organisation's teams (cases are assigned to them, escalations
// and reminders go to their mailboxes). Also who works where, for assigning and telling.
export { teamPages, teamRoutes } from './pages.ts';
export { addTeam, peopleOf, teamsOf } from './store.ts';
export { type TeamsService, teamsService } from './teams.ts';
