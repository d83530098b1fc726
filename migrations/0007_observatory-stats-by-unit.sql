CREATE TABLE "case_stats_monthly_by_unit" (
	"month" date NOT NULL,
	"unit_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"sector" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"cases" integer NOT NULL,
	CONSTRAINT "case_stats_monthly_by_unit_month_unit_id_department_code_category_status_sector_pk" PRIMARY KEY("month","unit_id","department_code","category","status","sector")
);
