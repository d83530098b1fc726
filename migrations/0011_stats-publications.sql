CREATE TABLE "stats_publication_cells" (
	"publication_id" uuid NOT NULL,
	"audience" text NOT NULL,
	"dimension" text NOT NULL,
	"period_kind" text NOT NULL,
	"geo_level" text NOT NULL,
	"department" text NOT NULL,
	"geo" text NOT NULL,
	"period" text NOT NULL,
	"code" text NOT NULL,
	"count" integer,
	"mark" text NOT NULL,
	"figures" jsonb,
	CONSTRAINT "stats_publication_cells_pk" PRIMARY KEY("publication_id","dimension","period_kind","geo_level","department","geo","period","code")
);
--> statement-breakpoint
CREATE TABLE "stats_publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"k" integer NOT NULL,
	"built_at" timestamp with time zone NOT NULL,
	"first_month" text,
	"last_month" text
);
--> statement-breakpoint
ALTER TABLE "stats_publication_cells" ADD CONSTRAINT "stats_publication_cells_publication_id_stats_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."stats_publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stats_publications_built_idx" ON "stats_publications" USING btree ("built_at");