import { ROLES } from '../domain/roles';
import { z } from './zod';

export const RoleSchema = z.enum(ROLES);
