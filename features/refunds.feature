@refunds
Feature: Refunds of paid payments and captured authorizations
  A merchant refunds part or all of what the payer was charged: the price of a paid general
  payment, or what was captured of an authorization (never what was only authorized). The sum
  of refunds never exceeds it, and a repeated refundRequestId refunds once (docs/protocol.md,
  "refund and inquiryRefund", "Idempotency", "Pinned refusals"). No seed describes refunds: these scenarios
  carry no seed step tags.

  @wallet @merchant @preauth @flow-orderStr @REQ-REF-001
  Scenario Outline: A captured amount is refunded in two parts, in <currency>
    Given the merchant has created a pre-authorization for "<authorized>" paid by orderStr
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the merchant settles the order for "<captured>"
    When the merchant refunds "<part>"
    Then the merchant's order is "CAPTURED"
    And the merchant's order shows "<part>" refunded
    And the wallet shows "<part>" refunded
    When the merchant refunds the rest
    Then the merchant's order is "REFUNDED"
    And the merchant's order shows "<captured>" refunded
    And the merchant's order shows "<captured>" paid
    And the wallet shows "<captured>" refunded
    And the wallet holds "<zero>" frozen, "<captured>" captured and "<released>" released

    Examples:
      | currency | authorized | captured  | part      | released  | zero      |
      | USD      | 20.00 USD  | 12.00 USD | 4.50 USD  | 8.00 USD  | 0.00 USD  |
      | JPY      | 2000 JPY   | 1200 JPY  | 450 JPY   | 800 JPY   | 0 JPY     |
      | KWD      | 2.000 KWD  | 1.200 KWD | 0.450 KWD | 0.800 KWD | 0.000 KWD |

  @wallet @merchant @preauth @flow-tradeNO @REQ-REF-002
  Scenario: A captured amount is refunded in full
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the merchant settles the order for "12.00 USD"
    When the merchant refunds "12.00 USD"
    Then the merchant's order is "REFUNDED"
    And the merchant's order shows "12.00 USD" refunded
    And the wallet shows "12.00 USD" refunded

  @wallet @merchant @preauth @flow-tradeNO @REQ-REF-003
  Scenario: The merchant refunds no more than was captured
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the merchant settles the order for "12.00 USD"
    When the merchant tries to refund "15.00 USD"
    Then the merchant refuses the request
    And the merchant's order is "CAPTURED"
    And the merchant's order shows "0.00 USD" refunded
    And the wallet shows "0.00 USD" refunded
    When the merchant refunds "5.00 USD"
    And the merchant tries to refund "7.01 USD"
    Then the merchant refuses the request
    And the merchant's order shows "5.00 USD" refunded
    And the wallet shows "5.00 USD" refunded

  @wallet @merchant @flow-tradeNO @REQ-REF-004
  Scenario: A general payment is refunded in two parts
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    When the merchant refunds "4.00 USD"
    Then the merchant's order is "PAID"
    And the merchant's order shows "4.00 USD" refunded
    And the wallet shows "4.00 USD" refunded
    When the merchant refunds "6.00 USD"
    Then the merchant's order is "REFUNDED"
    And the merchant's order shows "10.00 USD" refunded
    And the merchant's order shows "10.00 USD" paid
    And the wallet shows "10.00 USD" refunded
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"
    When the merchant tries to refund "0.01 USD"
    Then the merchant refuses the request
    And the wallet shows "10.00 USD" refunded

  @wallet @merchant @flow-orderStr @REQ-REF-004
  Scenario: A general orderStr payment in yen is refunded in two parts
    Given the merchant has created an order for "1500 JPY" paid by orderStr
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    When the merchant refunds "1 JPY"
    And the merchant refunds the rest
    Then the merchant's order is "REFUNDED"
    And the merchant's order shows "1500 JPY" refunded
    And the wallet shows "1500 JPY" refunded

  @wallet @merchant @flow-tradeNO @REQ-REF-005
  Scenario: Asking the merchant twice for a full refund refunds once
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    When the merchant refunds the rest
    And the merchant tries to refund "10.00 USD"
    Then the merchant refuses the request
    And the merchant's order shows "10.00 USD" refunded
    And the wallet shows "10.00 USD" refunded

  @merchant @preauth @flow-tradeNO @REQ-REF-006
  Scenario: The merchant refunds nothing of an unpaid order or of an authorization not captured
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    When the merchant tries to refund "1.00 USD"
    Then the merchant refuses the request
    When the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    And the merchant tries to refund "1.00 USD"
    Then the merchant refuses the request
    And the merchant's order shows "0.00 USD" refunded

  @wallet @preauth @REQ-REF-001 @REQ-REF-008
  Scenario: The wallet refunds part of a captured authorization and reports the refund
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    And the kit captures "30.00 USD" as the last capture
    When the kit refunds "12.50 USD"
    Then the wallet confirms the refund of "12.50 USD"
    And the wallet reports the refund as "SUCCESS" for "12.50 USD"
    When the kit refunds "17.50 USD"
    Then the wallet confirms the refund of "17.50 USD"

  @wallet @preauth @REQ-REF-003
  Scenario: The wallet refunds no more than was captured, whatever was authorized
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    And the kit captures "30.00 USD" as the last capture
    When the kit refunds "30.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    When the kit refunds "20.00 USD"
    And the kit refunds "10.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    When the kit refunds "10.00 USD"
    Then the wallet confirms the refund of "10.00 USD"

  @wallet @REQ-REF-004
  Scenario: The wallet refunds a general payment in two parts and no more
    Given the kit asks the wallet for a payment of "1.500 KWD"
    And the payer confirms the payment in the wallet
    When the kit refunds "0.500 KWD"
    Then the wallet confirms the refund of "0.500 KWD"
    When the kit refunds "1.000 KWD"
    Then the wallet confirms the refund of "1.000 KWD"
    And the wallet shows "1.500 KWD" refunded
    When the kit refunds "0.001 KWD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    And the wallet shows "1.500 KWD" refunded

  @wallet @REQ-REF-005
  Scenario: A repeated refund request refunds once
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit refunds "6.00 USD"
    Then the wallet confirms the refund of "6.00 USD"
    When the kit sends the same refund request again
    Then the wallet answers with the same refund
    And the wallet shows "6.00 USD" refunded
    When the kit refunds "4.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"

  @wallet @REQ-REF-005
  Scenario: A refund request id reused with another amount is refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit refunds "6.00 USD"
    And the kit sends the same refund request id for "7.00 USD"
    Then the wallet refuses with "REPEAT_REQ_INCONSISTENT"
    And the wallet reports the refund as "SUCCESS" for "6.00 USD"

  @wallet @REQ-REF-005
  Scenario: A refused refund refunds nothing under its request id
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit refunds "10.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    When the kit sends the same refund request id for "10.00 USD"
    Then the wallet confirms the refund of "10.00 USD", or replays its first refusal and refunds nothing

  @wallet @REQ-REF-006
  Scenario: A payment not paid yet cannot be refunded
    Given the kit asks the wallet for a payment of "10.00 USD"
    When the kit refunds "10.00 USD"
    Then the wallet refuses with "REFUND_NOT_ALLOWED"

  @wallet @preauth @REQ-REF-006
  Scenario: An authorization nothing was captured of cannot be refunded
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit refunds "10.00 USD"
    Then the wallet refuses with "REFUND_NOT_ALLOWED"
    When the kit cancels the authorization
    And the kit refunds "10.00 USD"
    Then the wallet refuses with "REFUND_NOT_ALLOWED"

  @wallet @REQ-REF-007
  Scenario Outline: A refund in another currency than the payment's is refused, in <currency>
    Given the kit asks the wallet for a payment of "<paid>"
    And the payer confirms the payment in the wallet
    When the kit refunds "<other>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "currency"
    When the kit refunds "<paid>"
    Then the wallet confirms the refund of "<paid>"

    Examples:
      | currency | paid      | other     |
      | USD      | 10.00 USD | 10.00 EUR |
      | JPY      | 1000 JPY  | 10.00 USD |
      | KWD      | 1.000 KWD | 1.000 BHD |

  @wallet @REQ-REF-008
  Scenario: The wallet knows no refund it never made
    When the kit asks the wallet about a refund it never made
    Then the wallet refuses with "ORDER_NOT_EXIST"

  @wallet @clock @preauth @REQ-REF-001 @REQ-PRE-008
  Scenario: What was captured can be refunded after the authorization expired
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    And the kit captures "10.00 USD" and keeps the rest authorized
    When 7 days and one second pass in the wallet
    And the kit refunds "10.00 USD"
    Then the wallet confirms the refund of "10.00 USD"
