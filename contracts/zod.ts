/**
 * The zod every contract schema is built with, extended with `.openapi()`
 * first, so the API can document any shared schema whichever module loads first.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
