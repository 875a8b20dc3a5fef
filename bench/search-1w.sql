-- The SQL of one search by week (GET /api/v1/lines?period=1w) of one reseller, as LineQuery runs it:
-- the count, the page, and the serials and claims of the page's lines. bench/run.py replaces
-- {FROM}, {TO} (dates) and {COMPANY} (a company number) and runs it with pgbench.
SELECT COUNT(*) AS total FROM invoice_lines l
 WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
   AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}';
SELECT l.id, l.invoice_number, l.invoice_date, l.customer_order_number, l.position, l.quantity,
       l.unit_price_cents, l.currency, l.customer_item_number, l.delivery_note_number,
       l.delivery_note_date, l.order_number, l.order_date, l.delivery_street, l.delivery_postcode,
       l.delivery_city, l.delivery_country, a.number AS article_number, a.description,
       a.manufacturer_model, a.ean, b.name AS brand
  FROM invoice_lines l JOIN articles a ON a.id = l.article_id JOIN brands b ON b.id = a.brand_id
 WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
   AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'
 ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC LIMIT 50;
SELECT line_id, number FROM serial_numbers WHERE line_id IN (
  SELECT l.id FROM invoice_lines l
   WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
     AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'
   ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC LIMIT 50) ORDER BY id;
SELECT line_id, SUM(quantity) FROM requests WHERE status <> 'rejected' AND line_id IN (
  SELECT l.id FROM invoice_lines l
   WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
     AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'
   ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC LIMIT 50) GROUP BY line_id;
SELECT line_id, serial FROM claimed_serials WHERE line_id IN (
  SELECT l.id FROM invoice_lines l
   WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
     AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'
   ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC LIMIT 50);
