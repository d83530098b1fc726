ALTER TABLE "case_stats_monthly" DROP CONSTRAINT "case_stats_monthly_month_unit_id_municipality_code_category_status_sector_pk";--> statement-breakpoint
ALTER TABLE "case_stats_monthly_by_unit" DROP CONSTRAINT "case_stats_monthly_by_unit_month_unit_id_department_code_category_status_sector_pk";--> statement-breakpoint
ALTER TABLE "case_stats_monthly" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_monthly_by_unit" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_monthly" ADD CONSTRAINT "case_stats_monthly_month_unit_id_municipality_code_category_status_sector_shard_pk" PRIMARY KEY("month","unit_id","municipality_code","category","status","sector","shard");--> statement-breakpoint
ALTER TABLE "case_stats_monthly_by_unit" ADD CONSTRAINT "case_stats_monthly_by_unit_month_unit_id_department_code_category_status_sector_shard_pk" PRIMARY KEY("month","unit_id","department_code","category","status","sector","shard");
