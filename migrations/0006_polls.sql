CREATE TABLE "poll_answers" (
	"poll_id" uuid NOT NULL,
	"question_id" text NOT NULL,
	"contact_id" uuid NOT NULL,
	"value" jsonb NOT NULL,
	"municipality_code" text,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_group_members" (
	"group_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone,
	CONSTRAINT "poll_group_members_group_id_contact_id_pk" PRIMARY KEY("group_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "poll_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"municipality_code" text,
	"invite_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_groups_invite_code_unique" UNIQUE("invite_code")
);
--> statement-breakpoint
CREATE TABLE "poll_invitations" (
	"poll_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"municipality_code" text,
	"invited_at" timestamp with time zone,
	"outbox_id" bigint,
	"deferrals" integer DEFAULT 0 NOT NULL,
	"reminded_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"results_sent_at" timestamp with time zone,
	CONSTRAINT "poll_invitations_poll_id_contact_id_pk" PRIMARY KEY("poll_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "poll_subscriptions" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"municipality_code" text NOT NULL,
	"subscribed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"definition" jsonb NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"results_visibility" text NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "poll_answers" ADD CONSTRAINT "poll_answers_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_answers" ADD CONSTRAINT "poll_answers_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_group_members" ADD CONSTRAINT "poll_group_members_group_id_poll_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."poll_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_group_members" ADD CONSTRAINT "poll_group_members_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_groups" ADD CONSTRAINT "poll_groups_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_invitations" ADD CONSTRAINT "poll_invitations_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_invitations" ADD CONSTRAINT "poll_invitations_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_subscriptions" ADD CONSTRAINT "poll_subscriptions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_subscriptions" ADD CONSTRAINT "poll_subscriptions_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "poll_answers_one_vote_uq" ON "poll_answers" USING btree ("poll_id","question_id","contact_id");--> statement-breakpoint
CREATE INDEX "poll_group_members_contact_idx" ON "poll_group_members" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "poll_invitations_pending_idx" ON "poll_invitations" USING btree ("poll_id","invited_at");--> statement-breakpoint
CREATE INDEX "poll_subscriptions_municipality_idx" ON "poll_subscriptions" USING btree ("municipality_code");--> statement-breakpoint
CREATE INDEX "polls_status_idx" ON "polls" USING btree ("status","opens_at","closes_at");