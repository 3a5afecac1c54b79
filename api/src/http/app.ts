import { OpenAPIHono } from '@hono/zod-openapi';
import { DomainError } from '../domain/errors.ts';
import { errorResponse, toErrorResponse } from './errors.ts';
import { bodyGuard } from './body-guard.ts';
import { apiHeaders, requestContext, staffSession } from './middleware.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { chatRoutes } from './routes/chat.ts';
import { filingAidRoutes } from './routes/filing-aids.ts';
import { healthRoutes } from './routes/health.ts';
import { knowledgeAdminRoutes } from './routes/knowledge-admin.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { publicTicketRoutes } from './routes/public-tickets.ts';
import { publishedRoutes } from './routes/published.ts';
import { staffAccountRoutes } from './routes/staff-account.ts';
import { staffAdminRoutes } from './routes/staff-admin.ts';
import { staffAuthRoutes } from './routes/staff-auth.ts';
import { staffMetricsRoutes } from './routes/staff-metrics.ts';
import { staffPublicationRoutes } from './routes/staff-publications.ts';
import { staffHotspotRoutes } from './routes/staff-hotspots.ts';
import { staffReportRoutes } from './routes/staff-reports.ts';
import { staffIntakeRoutes } from './routes/staff-intake.ts';
import { staffTicketAidRoutes } from './routes/staff-ticket-aids.ts';
import { staffTicketRoutes } from './routes/staff-tickets.ts';
import type { AppDeps, AppEnv } from './types.ts';
import '../domain/zod-messages.ts';

/** The HTTP API: one Hono app that every channel talks to. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', requestContext(deps));
  app.use('/api/*', apiHeaders);
  app.use('/api/staff/*', staffSession(deps));
  app.use('/api/kb/*', staffSession(deps));
  // After the session (large bodies only for staff), before anything reads a body.
  app.use('*', bodyGuard());

  app.route('/', healthRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', publicTicketRoutes(deps));
  app.route('/', chatRoutes(deps));
  app.route('/', publishedRoutes(deps));
  app.route('/', filingAidRoutes(deps));
  app.route('/', staffAuthRoutes(deps));
  app.route('/', staffAccountRoutes(deps));
  app.route('/', staffTicketRoutes(deps));
  app.route('/', staffTicketAidRoutes(deps));
  app.route('/', staffIntakeRoutes(deps));
  app.route('/', staffMetricsRoutes(deps));
  app.route('/', staffPublicationRoutes(deps));
  app.route('/', staffHotspotRoutes(deps));
  app.route('/', staffReportRoutes(deps));
  app.route('/', staffAdminRoutes(deps));
  app.route('/', knowledgeRoutes(deps));
  app.route('/', knowledgeAdminRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'hl_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'hotline12345 API',
      version: '0.1.0',
      description:
        '12345 市民服务热线与市长信箱的统一接口：网站、微信、Telegram 与电话受理都通过它提交和查询工单。错误统一为 `{ "error": { "code", "message", "requestId", "details"? } }`。',
    },
    tags: [
      { name: 'public', description: '市民渠道（无需登录）' },
      { name: 'staff', description: '工作人员（需登录）' },
      { name: 'staff: transitions', description: '工单流转：每个动作一个接口' },
      { name: 'knowledge', description: '知识库编辑（需知识编辑角色）' },
      { name: 'admin', description: '管理员' },
      { name: 'ops', description: '运维' },
    ],
  });

  app.notFound((c) => errorResponse(c, new DomainError('NOT_FOUND', `接口不存在：${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => toErrorResponse(c, error));
  return app;
}

export type App = ReturnType<typeof createApp>;
