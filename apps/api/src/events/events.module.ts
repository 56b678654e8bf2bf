import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { IngestService } from './ingest.service';

@Module({ controllers: [EventsController], providers: [IngestService] })
export class EventsModule {}
