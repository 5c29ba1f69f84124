/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    app: import('./lib/app').App;
  }
}
