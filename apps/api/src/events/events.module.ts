import { DynamicModule, Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { INGEST_FAULTS, IngestFaults, NO_INGEST_FAULTS } from './ingest-faults';
import { IngestService } from './ingest.service';

@Module({})
export class EventsModule {
  static register(faults: IngestFaults = NO_INGEST_FAULTS): DynamicModule {
    return { module: EventsModule, controllers: [EventsController], providers: [IngestService, { provide: INGEST_FAULTS, useValue: faults }] };
  }
}
