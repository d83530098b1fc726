CREATE TABLE "case_stats" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"unit_id" uuid,
	"institution_id" uuid,
	"department_code" text NOT NULL,
	"municipality_code" text NOT NULL,
	"sector" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"due_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"hours_to_acknowledge" real,
	"hours_to_close" real
);
--> statement-breakpoint
CREATE TABLE "case_stats_monthly" (
	"month" date NOT NULL,
	"unit_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"municipality_code" text NOT NULL,
	"sector" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"cases" integer NOT NULL,
	CONSTRAINT "case_stats_monthly_month_unit_id_municipality_code_category_status_sector_pk" PRIMARY KEY("month","unit_id","municipality_code","category","status","sector")
);
--> statement-breakpoint
ALTER TABLE "case_stats" ADD CONSTRAINT "case_stats_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_stats_day_idx" ON "case_stats" USING btree ("day");--> statement-breakpoint
CREATE INDEX "case_stats_department_idx" ON "case_stats" USING btree ("department_code","day");--> statement-breakpoint
CREATE INDEX "case_stats_unit_idx" ON "case_stats" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "case_stats_monthly_department_idx" ON "case_stats_monthly" USING btree ("department_code","month");