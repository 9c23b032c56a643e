import { describe, expect, it } from 'vitest';
import { databaseUnavailable } from './errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('telling a database out of reach from a failed request', () => {
  it.each([
    withCode('terminating connection due to administrator command', '57P01'),
    withCode('terminating connection due to crash of another server process', '57P02'),
    withCode('the database system is starting up', '57P03'),
    withCode('connection failure', '08006'),
    withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    withCode('read ECONNRESET', 'ECONNRESET'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
  ])('counts "%s" as the database out of reach', (error) => {
    expect(databaseUnavailable(error)).toBe(true);
  });

  it.each([
    withCode('duplicate key value violates unique constraint', '23505'),
    withCode('invalid input syntax for type uuid', '22P02'),
    withCode('canceling statement due to statement timeout', '57014'),
    new Error('Something else'),
    'not an error',
    null,
  ])('does not count %s', (error) => {
    expect(databaseUnavailable(error)).toBe(false);
  });
});
