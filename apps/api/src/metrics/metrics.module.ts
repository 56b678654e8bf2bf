import { Global, Module } from '@nestjs/common';
import { MetricsService } from '@hookline/common';

/** The API process's one metrics registry, for every module that counts something (ingestion, requests). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class ApiMetricsModule {}
