import { Injectable } from '@nestjs/common';

/** Where the process is in its life; read by the health routes. */
@Injectable()
export class Lifecycle {
  started = false;
  draining = false;
}
