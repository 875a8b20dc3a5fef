-- The SQL of one search by week (GET /api/v1/lines?period=1w) of one reseller, as LineQuery runs it:
-- the page with the count of all matches, then the serials and claims of the page's lines (which
-- LineQuery sends as bound ids; here the page's ids come from a subquery). bench/run.py replaces
-- {FROM}, {TO} (dates) and {COMPANY} (a company number) and runs it with pgbench.
WITH matched AS (SELECT l.id, l.invoice_date AS document_date, l.invoice_number AS document_number, l.position
                   FROM invoice_lines l
                  WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
                    AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'),
     page AS (SELECT id FROM matched ORDER BY document_date DESC, document_number DESC, position ASC, id ASC
              LIMIT 50 OFFSET 0)
SELECT counted.total, l.id, l.invoice_number, l.invoice_date, l.customer_order_number, l.position, l.quantity,
       l.unit_price_cents, l.currency, l.customer_item_number, l.delivery_note_number,
       l.delivery_note_date, l.order_number, l.order_date, l.delivery_street, l.delivery_postcode,
       l.delivery_city, l.delivery_country, a.number AS article_number, a.description,
       a.manufacturer_model, a.ean, b.name AS brand
  FROM (SELECT COUNT(*) AS total FROM matched) counted
  LEFT JOIN page ON 1 = 1
  LEFT JOIN invoice_lines l ON l.id = page.id
  LEFT JOIN articles a ON a.id = l.article_id
  LEFT JOIN brands b ON b.id = a.brand_id
 ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC;
WITH page AS (SELECT l.id FROM invoice_lines l
               WHERE l.company_id = (SELECT id FROM companies WHERE number = '{COMPANY}')
                 AND l.invoice_date >= '{FROM}' AND l.invoice_date <= '{TO}'
               ORDER BY l.invoice_date DESC, l.invoice_number DESC, l.position ASC, l.id ASC LIMIT 50)
SELECT line_id, 0 AS kind, number AS value, 0 AS amount, id AS ordering
  FROM serial_numbers WHERE line_id IN (SELECT id FROM page)
UNION ALL
SELECT line_id, 1, serial, 0, 0 FROM claimed_serials WHERE line_id IN (SELECT id FROM page)
UNION ALL
SELECT line_id, 2, '', CAST(SUM(quantity) AS BIGINT), 0 FROM requests
 WHERE line_id IN (SELECT id FROM page)
   AND status IN ('in_review', 'approved', 'awaiting_goods', 'expired', 'received', 'credited', 'closed')
   AND reason IN ('defect', 'doa', 'commercial_return', 'wrongly_ordered', 'buyback', 'wrong_delivery',
                  'product_complaint', 'transport_damage', 'concealed_damage', 'shortage', 'license_return')
 GROUP BY line_id
ORDER BY kind, ordering;
