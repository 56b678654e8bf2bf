import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { UpkeepRepository } from './repositories/upkeep.repository';
import { SqlPool } from './sql-pool';

@Global()
@Module({ providers: [PrismaService, SqlPool, UpkeepRepository], exports: [PrismaService, SqlPool, UpkeepRepository] })
export class DbModule {}
