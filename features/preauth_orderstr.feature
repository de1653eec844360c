@preauth @flow-preauth @flow-orderStr
Feature: Pre-authorization by orderStr, settled through the merchant
  The mini program starts a service; its server signs a freeze orderStr
  (alipay.fund.auth.order.app.freeze, product PRE_AUTH_ONLINE) and the payer authorizes it on
  the wallet's pre-authorization page. When the service ends, the mini program asks its server
  to settle: the server captures the fee and the wallet releases the rest (seeds 000 and 002,
  pre-authorization steps 1-17). Money is conserved at every step: what was authorized is
  what is still frozen plus what was captured plus what was released.

  @wallet @merchant @REQ-PRE-001
  @step-1 @step-2 @step-3 @step-4 @step-5 @step-6 @step-7 @step-8 @step-10 @step-11 @step-12 @realtime
  Scenario: A payer authorizes a freeze orderStr
    Given the merchant has created a pre-authorization for "0.02 CNY" paid by orderStr
    Then the orderStr is a freeze signed by the merchant for "0.02 CNY"
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "AUTHORIZED"
    And the merchant's order shows "0.02 CNY" authorized
    And the merchant's order shows "0.00 CNY" paid
    And the wallet reports the payment as "AUTH_SUCCESS" for "0.02 CNY"
    And the wallet reports the authorization expiring its declared validity after it was granted
    And the wallet has notified the merchant of "AUTH_SUCCESS" once
    And the wallet holds "0.02 CNY" frozen, "0.00 CNY" captured and "0.00 CNY" released
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "AUTHORIZED"

  @wallet @merchant @REQ-PRE-003
  @step-1 @step-2 @step-3 @step-4 @step-5 @step-6 @step-7 @step-8 @step-10 @step-11 @step-12
  @step-13 @step-14 @step-15 @step-16 @step-17 @realtime
  Scenario: The merchant settles the exact fee of the service
    Given the merchant has created a pre-authorization for "20.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant settles the order for "20.00 USD"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "20.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "20.00 USD"
    And the wallet holds "0.00 USD" frozen, "20.00 USD" captured and "0.00 USD" released
    And the wallet has notified the merchant of "AUTH_SUCCESS" once

  @wallet @merchant @REQ-PRE-004 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario Outline: Settling less than was authorized releases the rest, in <currency>
    Given the merchant has created a pre-authorization for "<authorized>" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    And the wallet holds "<authorized>" frozen, "<zero>" captured and "<zero>" released
    When the merchant settles the order for "<fee>"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "<fee>" paid
    And the wallet reports the payment as "SUCCESS" for "<authorized>"
    And the wallet holds "<zero>" frozen, "<fee>" captured and "<released>" released
    When the merchant tries to settle the order for "<smallest>"
    Then the merchant refuses the request
    And the wallet holds "<zero>" frozen, "<fee>" captured and "<released>" released

    Examples:
      | currency | authorized | fee       | released  | zero      | smallest  |
      | USD      | 10.00 USD  | 7.35 USD  | 2.65 USD  | 0.00 USD  | 0.01 USD  |
      | JPY      | 1000 JPY   | 735 JPY   | 265 JPY   | 0 JPY     | 1 JPY     |
      | KWD      | 1.000 KWD  | 0.735 KWD | 0.265 KWD | 0.000 KWD | 0.001 KWD |

  @wallet @merchant @REQ-PRE-005 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: Two partial captures, the second one settling the order
    Given the merchant has created a pre-authorization for "50.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant captures "20.00 USD" and keeps the rest authorized
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "20.00 USD" paid
    And the wallet holds "30.00 USD" frozen, "20.00 USD" captured and "0.00 USD" released
    When the merchant settles the order for "15.00 USD"
    Then the merchant's order shows "35.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "35.00 USD" captured and "15.00 USD" released
    And the wallet reports the payment as "SUCCESS" for "50.00 USD"

  @wallet @merchant @REQ-PRE-006 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: The merchant captures nothing when asked for more than was authorized
    Given the merchant has created a pre-authorization for "10.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant tries to settle the order for "10.01 USD"
    Then the merchant refuses the request
    And the merchant's order is "AUTHORIZED"
    And the merchant's order shows "0.00 USD" paid
    And the wallet holds "10.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released
    When the merchant settles the order for "10.00 USD"
    Then the merchant's order shows "10.00 USD" paid

  @wallet @merchant @REQ-PRE-006 @step-13 @step-14 @step-15 @step-16 @step-17
  Scenario: After a partial capture the merchant captures no more than the rest
    Given the merchant has created a pre-authorization for "10.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the merchant captures "6.00 USD" and keeps the rest authorized
    And the merchant tries to settle the order for "4.01 USD"
    Then the merchant refuses the request
    And the merchant's order shows "6.00 USD" paid
    And the wallet holds "4.00 USD" frozen, "6.00 USD" captured and "0.00 USD" released
    When the merchant settles the rest of the order
    Then the merchant's order shows "10.00 USD" paid
    And the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "0.00 USD" released

  @wallet @merchant @REQ-PRE-007
  @step-5 @step-6 @step-7 @step-8 @step-10 @step-11 @step-12 @realtime
  Scenario: A payer cancels on the pre-authorization page and authorizes later
    Given the merchant has created a pre-authorization for "10.00 USD" paid by orderStr
    When the payer cancels on the pre-authorization page
    Then the mini program gets result code 6001
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PENDING"
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released
    And the wallet has sent no notification
    When the merchant tries to settle the order for "5.00 USD"
    Then the merchant refuses the request
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "AUTHORIZED"
    And the wallet holds "10.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released

  @wallet @merchant @REQ-PRE-001 @step-5 @step-10 @step-11 @step-12
  Scenario: Authorizing the same freeze orderStr twice freezes the amount once
    Given the merchant has created a pre-authorization for "10.00 USD" paid by orderStr
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant's order becomes "AUTHORIZED"
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 4000
    And the merchant's order shows "10.00 USD" authorized
    And the wallet reports the payment as "AUTH_SUCCESS" for "10.00 USD"
