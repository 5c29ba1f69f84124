/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    app: import('./lib/app').App;
    /** The origin visitors reach us at (from Host, or a trusted proxy's headers). */
    origin: string;
    /** The client's address (socket, or X-Forwarded-For behind a trusted proxy). Never stored. */
    clientAddress: string;
  }
}
