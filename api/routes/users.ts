import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Op, UniqueConstraintError } from 'sequelize';
import { RoleSchema } from '../../contracts/roles.schema';
import { User } from '../../models';
import type { AppEnv } from '../deps';
import { ApiProblem, notFound } from '../problem';
import { idLink, json, problems, route } from '../route';

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    roles: z.array(RoleSchema),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

const UserCreateSchema = z
  .object({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    roles: z.array(RoleSchema).min(1).max(9),
  })
  .openapi('UserCreate');

const UserListSchema = z.object({ items: z.array(UserSchema), nextAfter: z.uuid().nullable() }).openapi('UserList');

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z.uuid().optional().describe('nextAfter of the previous page'),
});

export function userToApi(u: User) {
  return { id: u.id, email: u.email, name: u.name, roles: u.roles, createdAt: u.createdAt.toISOString() };
}

export const usersRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      tags: ['Users'],
      summary: 'Create a user with roles',
      description: '`email` is unique regardless of case (it is stored lower-cased): one already registered is 409. A role given twice counts once.',
      roles: ['admin'],
      idempotent: true,
      request: { body: { content: { 'application/json': { schema: UserCreateSchema } }, required: true } },
      responses: {
        201: { ...json(UserSchema, 'Created'), links: { GetUser: idLink('getUser', 'Read the user just created') } },
        ...problems(400, 401, 403, 409, 422),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      try {
        const user = await User.create({ email: input.email.toLowerCase(), name: input.name, roles: [...new Set(input.roles)] });
        c.header('location', `/v1/users/${user.id}`);
        return c.json(userToApi(user), 201);
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw new ApiProblem(409, 'conflict', `a user with email ${input.email} already exists`);
        throw err;
      }
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      tags: ['Users'],
      summary: 'List users',
      roles: ['admin', 'ops'],
      request: { query: PageQuerySchema.extend({ role: RoleSchema.optional() }) },
      responses: { 200: json(UserListSchema, 'A page of users, by id'), ...problems(401, 403, 422) },
    }),
    async (c) => {
      const { limit, after, role } = c.req.valid('query');
      const users = await User.findAll({
        where: {
          ...(after ? { id: { [Op.gt]: after } } : {}),
          ...(role ? { roles: { [Op.contains]: [role] } } : {}),
        },
        order: [['id', 'ASC']],
        limit,
      });
      return c.json(
        { items: users.map(userToApi), nextAfter: users.length === limit ? users[users.length - 1]!.id : null },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/users/{id}',
      operationId: 'getUser',
      tags: ['Users'],
      summary: 'Get a user (admins and ops, or the user themself)',
      roles: 'any',
      request: { params: z.object({ id: z.uuid() }) },
      responses: { 200: json(UserSchema, 'The user'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const p = c.get('principal');
      if (id !== p.userId && !p.roles.some((r) => r === 'admin' || r === 'ops')) {
        throw new ApiProblem(403, 'forbidden', 'you may only read your own user');
      }
      const user = await User.findByPk(id);
      if (!user) throw notFound('user');
      return c.json(userToApi(user), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      tags: ['Users'],
      summary: 'Who the bearer token says you are',
      roles: 'any',
      responses: {
        200: json(
          z.object({ userId: z.uuid(), roles: z.array(RoleSchema), user: UserSchema.nullable() }).openapi('Me'),
          'The caller',
        ),
        ...problems(401),
      },
    }),
    async (c) => {
      const p = c.get('principal');
      const user = await User.findByPk(p.userId);
      return c.json({ userId: p.userId, roles: p.roles, user: user ? userToApi(user) : null }, 200);
    },
  );
