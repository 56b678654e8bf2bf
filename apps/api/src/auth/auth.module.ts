import { Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { TokenThrottle } from './token-throttle';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  controllers: [TokenController],
  providers: [AuthService, TokenService, TokenThrottle],
  exports: [TokenService],
})
export class AuthModule {}
