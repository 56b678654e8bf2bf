-- CreateEnum
CREATE TYPE "Permission" AS ENUM ('WEBHOOKS_READ', 'WEBHOOKS_WRITE', 'EVENTS_PUBLISH', 'ORG_ADMIN');

-- CreateEnum
CREATE TYPE "WebhookStatus" AS ENUM ('ENABLED', 'DISABLED', 'DISABLED_DUE_TO_ERRORS');

-- CreateEnum
CREATE TYPE "HttpMethod" AS ENUM ('GET', 'POST', 'PUT', 'PATCH', 'DELETE');

-- CreateEnum
CREATE TYPE "ContentType" AS ENUM ('JSON', 'PLAIN_TEXT', 'URL_ENCODED_FORM');

-- CreateEnum
CREATE TYPE "AuthType" AS ENUM ('NONE', 'BASIC', 'OAUTH2');

-- CreateTable
CREATE TABLE "organization" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "parent_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_client" (
    "id" VARCHAR(64) NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "secret_hash" VARCHAR(128) NOT NULL,
    "permissions" "Permission"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_client_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "trigger_type" VARCHAR(80) NOT NULL,
    "data_trigger" JSONB,
    "url" VARCHAR(1024) NOT NULL,
    "method" "HttpMethod" NOT NULL DEFAULT 'POST',
    "content_type" "ContentType" NOT NULL DEFAULT 'JSON',
    "auth_type" "AuthType" NOT NULL DEFAULT 'NONE',
    "oauth2_token_url" VARCHAR(1024),
    "oauth2_client_id" VARCHAR(512),
    "oauth2_client_secret_enc" TEXT,
    "oauth2_scope" VARCHAR(1024),
    "oauth2_audience" VARCHAR(1024),
    "basic_username" VARCHAR(512),
    "basic_password_enc" TEXT,
    "headers" JSONB NOT NULL DEFAULT '[]',
    "body_template" TEXT,
    "failure_notify_user_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "failure_limit" INTEGER NOT NULL DEFAULT 10,
    "status" "WebhookStatus" NOT NULL DEFAULT 'ENABLED',
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "total_attempts" INTEGER NOT NULL DEFAULT 0,
    "signing_secret_enc" TEXT NOT NULL,
    "previous_signing_secret_enc" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_triggered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "organization_parent_id_idx" ON "organization"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_organization_id_email_key" ON "app_user"("organization_id", "email");

-- CreateIndex
CREATE INDEX "api_client_organization_id_idx" ON "api_client"("organization_id");

-- CreateIndex
CREATE INDEX "webhook_organization_id_trigger_type_status_idx" ON "webhook"("organization_id", "trigger_type", "status");

-- CreateIndex
CREATE INDEX "webhook_organization_id_id_idx" ON "webhook"("organization_id", "id");

-- AddForeignKey
ALTER TABLE "organization" ADD CONSTRAINT "organization_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_client" ADD CONSTRAINT "api_client_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook" ADD CONSTRAINT "webhook_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
