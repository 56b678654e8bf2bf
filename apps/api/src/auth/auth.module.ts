import { Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  controllers: [TokenController],
  providers: [AuthService, TokenService],
  exports: [TokenService],
})
export class AuthModule {}
