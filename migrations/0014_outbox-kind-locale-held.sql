ALTER TABLE "outbox" ADD COLUMN "kind" text DEFAULT 'reply' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "locale" text DEFAULT 'es' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "case_id" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "last_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_waiting_address_idx" ON "outbox" USING btree ("channel","address","id") WHERE "outbox"."status" in ('pending', 'held');--> statement-breakpoint
CREATE INDEX "outbox_waiting_created_idx" ON "outbox" USING btree ("status","created_at") WHERE "outbox"."status" in ('pending', 'held');--> statement-breakpoint
UPDATE "outbox" SET "locale" = "contacts"."locale" FROM "contacts" WHERE "outbox"."contact_id" = "contacts"."id";--> statement-breakpoint
UPDATE "outbox" SET "status" = 'held' WHERE "status" = 'pending' AND "last_error" = 'outside 24h window, waiting for the citizen';
