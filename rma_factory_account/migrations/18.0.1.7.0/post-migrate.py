def migrate(cr, version):
    """The write-down releases of sold-off invoices posted before 18.0.1.7.0
    get the amount they released (their debit: a release then had one debit
    line, on the allowance), so that the next post or reset of their invoice
    counts them and never releases twice."""
    cr.execute(
        """
        UPDATE account_move move
           SET rma_selloff_amount = released.amount
          FROM (
               SELECT line.move_id, SUM(line.debit) AS amount
                 FROM account_move_line line
                 JOIN account_move entry ON entry.id = line.move_id
                WHERE entry.rma_selloff_invoice_id IS NOT NULL
                  AND entry.rma_selloff_amount IS NULL
                GROUP BY line.move_id
          ) released
         WHERE move.id = released.move_id
        """
    )
