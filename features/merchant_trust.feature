@flow-tradeNO
Feature: What a merchant trusts: the app's result code is a hint, the wallet's verified answer is the truth
  A correct merchant asks the wallet on every my.tradePay result but 6001 and settles the order
  from the wallet's answer alone (docs/protocol.md, "my.tradePay results"). A U answer is never a
  failure: it queries or retries, under the same request id ("Result", "Idempotency"). An
  answer whose signature or Client-Id does not verify, or that is about another amount,
  currency or payment, changes nothing ("Signing"). The kit's wallet mock holds back
  notifications and scripts the U and forged answers; in verify-merchant it is always the
  kit's own wallet, so these scenarios run against every merchant.

  @merchant @REQ-MER-001 @step-17 @step-19
  Scenario Outline: The app says <code> but the wallet has not been paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the mini program tells the merchant the result code was <code>
    Then the merchant answers that the order is "PENDING"
    And the merchant's order is "PENDING"
    And the wallet reports the payment as "PROCESSING"

    Examples:
      | code |
      | 8000 |
      | 6004 |
      | 6002 |

  @merchant @wallet-mock @REQ-MER-002 @step-17 @step-19
  Scenario Outline: The app says <code>, the wallet has been paid and its notification has not arrived
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the mini program tells the merchant the result code was <code>
    Then the merchant's order becomes "PAID"

    Examples:
      | code |
      | 8000 |
      | 6004 |
      | 6002 |
      | 4000 |

  @merchant @wallet-mock @REQ-MER-003 @step-4 @step-5 @step-6 @step-7
  Scenario Outline: The wallet answers pay "unknown" <when> making the payment, and the merchant keeps its request id
    Given the wallet will answer the merchant's pay for the next order with "UNKNOWN_EXCEPTION" <when> making the payment
    When the merchant creates the next order, paid by tradeNO
    Then the merchant's order is "PENDING"
    And the wallet files the order's payment under the paymentRequestId the merchant sent first
    And the wallet reports the payment as "PROCESSING"
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"

    Examples:
      | when   |
      | after  |
      | before |

  @merchant @wallet-mock @REQ-MER-004 @step-17 @step-19
  Scenario: The wallet answers an inquiry "unknown", and the merchant does not give up on the order
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    And the wallet answers the next inquiry about the payment with "UNKNOWN_EXCEPTION"
    When the mini program reports the result code 8000 to the merchant
    Then the merchant has asked the wallet and got the scripted answer
    And the merchant keeps the order open
    When the mini program tells the merchant the result code was 8000
    Then the merchant's order becomes "PAID"

  @merchant @wallet-mock @REQ-MER-005 @step-17
  Scenario Outline: The wallet answers a cancel "unknown" <when> making it, and the merchant finds the order cancelled
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet answers the next cancel of the payment with "UNKNOWN_EXCEPTION" <when> making it
    When the merchant cancels the order
    Then the merchant's order becomes "CANCELLED"
    And the wallet reports the payment as "CANCELLED"

    Examples:
      | when   |
      | after  |
      | before |

  @merchant @wallet-mock @REQ-MER-006 @step-17 @step-19
  Scenario Outline: An inquiry answer <forgery> does not make an unpaid order paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet's next answer to an inquiry about the payment claims it paid, "<forgery>"
    When the mini program reports the result code 8000 to the merchant
    Then the merchant has asked the wallet and got the scripted answer
    And the merchant's order is "PENDING"
    And the wallet reports the payment as "PROCESSING"

    Examples:
      | forgery                            |
      | changed after the wallet signed it |
      | addressed to another client id     |

  @merchant @wallet-mock @REQ-MER-007 @step-17 @step-19
  Scenario Outline: An inquiry answer <lie> does not make an unpaid order paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet's next answer to an inquiry about the payment claims it paid, "<lie>"
    When the mini program reports the result code 8000 to the merchant
    Then the merchant has asked the wallet and got the scripted answer
    And the merchant's order is "PENDING"
    And the wallet reports the payment as "PROCESSING"

    Examples:
      | lie                    |
      | for another amount     |
      | in another currency    |
      | for another payment id |

  @merchant @wallet-mock @REQ-MER-006 @REQ-HOOK-M-003 @step-4 @step-5 @step-6 @step-7
  Scenario Outline: A pay answer <forgery> is not trusted: the merchant hands out no tradeNO
    Given the wallet will answer every pay for the next order "<forgery>"
    When the mini program asks the merchant for the next order, paid by tradeNO
    Then the merchant answers that it got no answer from the wallet it can trust

    Examples:
      | forgery                            |
      | changed after the wallet signed it |
      | addressed to another client id     |

  @merchant @wallet-mock @REQ-HOOK-M-003 @step-4 @step-5
  Scenario: A wallet that never answers pay: the merchant hands out no tradeNO
    Given the wallet will answer every pay for the next order "with no answer at all"
    When the mini program asks the merchant for the next order, paid by tradeNO
    Then the merchant answers that it got no answer from the wallet it can trust

  @merchant @wallet-mock @REQ-GEN-013 @step-13 @step-17
  Scenario: The wallet refuses to cancel a payment made meanwhile, and the merchant does not cancel the order
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant tries to cancel the order
    Then the merchant refuses the request
    And the merchant's order is not "CANCELLED"
    When the mini program tells the merchant the result code was 9000
    Then the merchant's order becomes "PAID"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"
